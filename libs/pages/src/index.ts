export { WaitingRoomPageModule } from './waiting-room/waiting-room-page.module.js';
export { AdminDashboardModule } from './admin-dashboard/admin-dashboard.module.js';
