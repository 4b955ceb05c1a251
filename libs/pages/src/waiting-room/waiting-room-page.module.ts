import { Module } from '@nestjs/common';

/** The page visitors wait on: `GET /wr/{eventId}` and its assets. */
@Module({})
export class WaitingRoomPageModule {}
