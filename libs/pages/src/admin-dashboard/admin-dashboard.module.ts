import { Module } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { AdminDashboardController, DASHBOARD_ASSETS } from './admin-dashboard.controller.js';
import { DashboardAssets } from './dashboard-assets.js';

/** Beside this file both in the sources (jest) and in dist (the build copies the folder). */
const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

/** The admins' live dashboard: `GET /admin` and its assets. */
@Module({
  controllers: [AdminDashboardController],
  // `/admin` links `admin/assets/…`: relative, so it stays right behind a path prefix in front of Foyer.
  providers: [{ provide: DASHBOARD_ASSETS, useFactory: () => DashboardAssets.load(ASSETS_DIR, 'admin/assets/') }],
})
export class AdminDashboardModule {}
