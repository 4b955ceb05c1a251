import { Module } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { AdminDashboardController } from './admin-dashboard.controller.js';
import { DashboardPage } from './dashboard-page.js';

/** Beside this file both in the sources (jest) and in dist (the build copies the folder). */
const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

/** The admins' live dashboard: `GET /admin` and its assets. */
@Module({
  controllers: [AdminDashboardController],
  providers: [{ provide: DashboardPage, useFactory: () => DashboardPage.load(ASSETS_DIR) }],
})
export class AdminDashboardModule {}
