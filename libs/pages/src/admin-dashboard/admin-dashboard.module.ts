import { Module } from '@nestjs/common';

/** The admins' live dashboard: `GET /admin` and its assets. */
@Module({})
export class AdminDashboardModule {}
