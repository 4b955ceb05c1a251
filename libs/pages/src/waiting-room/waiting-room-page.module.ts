import { Module } from '@nestjs/common';
import { fileURLToPath } from 'node:url';
import { PageAssets } from '../shared/page-assets.js';
import { WAITING_ROOM_ASSETS, WaitingRoomPageController } from './waiting-room-page.controller.js';

/** Beside this file both in the sources (jest) and in dist (the build copies the folder). */
const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

/** The page visitors wait on: `GET /wr/{eventId}` and its assets. */
@Module({
  controllers: [WaitingRoomPageController],
  // Relative links: `/wr/x` links `assets/…`, which stays right behind a path prefix in front of Foyer.
  providers: [{ provide: WAITING_ROOM_ASSETS, useFactory: () => PageAssets.load(ASSETS_DIR, 'assets/', 'public, max-age=300') }],
})
export class WaitingRoomPageModule {}
