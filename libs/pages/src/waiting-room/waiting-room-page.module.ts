import { Module } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PageAssets } from '../shared/page-assets.js';
import { WAITING_ROOM_ASSETS, WaitingRoomPageController } from './waiting-room-page.controller.js';

/**
 * Beside this file both in the sources (jest) and in dist (the build copies the folders): the
 * files kept in git, and the script bundle `npm run build` makes (scripts/build-pages.mjs).
 */
const ASSETS_DIR = fileURLToPath(new URL('./assets/', import.meta.url));
const BUNDLE_DIR = fileURLToPath(new URL('./generated/', import.meta.url));

function loadAssets(): PageAssets {
  if (!existsSync(BUNDLE_DIR)) throw new Error(`the waiting-room page's script is not built (${BUNDLE_DIR}): run npm run build`);
  return PageAssets.load([ASSETS_DIR, BUNDLE_DIR], 'assets/', 'public, max-age=300');
}

/**
 * The page visitors wait on: `GET /wr/{eventId}` and its assets. A hidden tab keeps its place: its
 * poll timer runs in a small dedicated worker, which browsers do not throttle the way they throttle
 * a hidden page's own timers (Chrome wakes the chained timers of a page hidden for 5 minutes at most
 * once a minute). A frozen or discarded tab runs nothing at all, worker included: it polls as soon
 * as it runs again, and a place that lapsed meanwhile (no poll for `waitTimeoutSec`) shows "join
 * again".
 */
@Module({
  controllers: [WaitingRoomPageController],
  // Relative links: `/wr/x` links `assets/…`, which stays right behind a path prefix in front of Foyer.
  providers: [{ provide: WAITING_ROOM_ASSETS, useFactory: loadAssets }],
})
export class WaitingRoomPageModule {}
