import type { PageLanguage } from './page-language.js';

/** Text the server renders into the page. */
export interface PageText {
  title: string;
  brand: string;
  /** The link to the other language, written in that language. */
  otherLanguageName: string;
  loadingHeading: string;
  loadingLead: string;
  waitHeading: string;
  waitLead: string;
  rankLabel: string;
  progressLabel: string;
  etaLabel: string;
  updatedLabel: string;
  paused: string;
  offline: string;
  notifyButton: string;
  inHeading: string;
  inContinue: string;
  /** Labels the admission code shown when there is nowhere to send the visitor. */
  inCodeLabel: string;
  blockedHeading: string;
  blockedLead: string;
  expiredHeading: string;
  joinAgain: string;
  joinAgainHint: string;
  closedHeading: string;
  closedLead: string;
  /** A `DRAFT` event: not open yet (a `CLOSED` one has ended: `closed*`). */
  notOpenHeading: string;
  notOpenLead: string;
  notFoundHeading: string;
  notFoundLead: string;
  errorHeading: string;
  tryAgain: string;
  queueId: string;
  messageLabel: string;
  noScript: string;
}

/**
 * Text the script fills in as the state changes, shipped to it as JSON. `{n}`, `{h}`, `{m}`,
 * `{time}` and `{code}` are replaced by the script.
 */
export interface ScriptText {
  aheadNone: string;
  /** Rank 1 while the event admits nobody (`PAUSED`, or `limitCnt` 0): `waitSeconds` is null. */
  aheadNoneStalled: string;
  aheadOne: string;
  aheadMany: string;
  etaUnknown: string;
  etaUnderMinute: string;
  etaMinutes: string;
  etaHours: string;
  titleTurn: string;
  notifyBody: string;
  inLeadUntil: string;
  inRedirecting: string;
  inNoTarget: string;
  /** The way on without a successUrl: back to the referring site (`{site}`), back in history, or the admission code. */
  inBackTo: string;
  inGoBack: string;
  inShowCode: string;
  inCodeLead: string;
  inCopied: string;
  inCopyByHand: string;
  expiredReasons: Record<'WAIT_TIMEOUT' | 'SESSION_ENDED' | 'EXITED' | 'EVENT_CLOSED' | 'PLACE_LOST', string>;
  errorLead: string;
  liveRank: string;
  liveNext: string;
  liveStalled: string;
  livePaused: string;
}

export interface WaitingRoomText {
  page: PageText;
  script: ScriptText;
}

const en: WaitingRoomText = {
  page: {
    title: 'Waiting room',
    brand: 'Waiting room',
    otherLanguageName: '한국어',
    loadingHeading: 'Joining the line…',
    loadingLead: 'One moment while we save your place.',
    waitHeading: 'You’re in line',
    waitLead: 'Keep this page open. When it’s your turn you’ll be let in automatically.',
    rankLabel: 'Your place in line',
    progressLabel: 'Progress to the front of the line',
    etaLabel: 'Estimated wait',
    updatedLabel: 'Last update',
    paused: 'Admissions are paused for the moment. You keep your place, and the line moves again when they resume.',
    offline: 'Connection lost. Retrying — you keep your place while we reconnect.',
    notifyButton: 'Notify me when it’s my turn',
    inHeading: 'You’re in!',
    inContinue: 'Continue',
    inCodeLabel: 'Your admission code',
    blockedHeading: 'You can’t join this line again',
    blockedLead: 'Your visit to this event has already ended, and it can be entered only once.',
    expiredHeading: 'Your place has lapsed',
    joinAgain: 'Join the line again',
    joinAgainHint: 'You will start at the back of the line.',
    closedHeading: 'This event has closed',
    closedLead: 'The waiting room is closed and is not taking visitors any more.',
    notOpenHeading: 'This waiting room isn’t open yet',
    notOpenLead: 'The event is not taking visitors yet. Please check back later.',
    notFoundHeading: 'There’s no waiting room here',
    notFoundLead: 'Check the link you followed: the event may have ended or been removed.',
    errorHeading: 'Something went wrong',
    tryAgain: 'Try again',
    queueId: 'Queue ID',
    messageLabel: 'Message from the organiser',
    noScript: 'This waiting room needs JavaScript to hold your place in line.',
  },
  script: {
    aheadNone: 'You’re next!',
    aheadNoneStalled: 'You’re at the front, but the line isn’t moving right now.',
    aheadOne: '1 person ahead of you',
    aheadMany: '{n} people ahead of you',
    etaUnknown: 'unknown',
    etaUnderMinute: 'less than a minute',
    etaMinutes: 'about {m} min',
    etaHours: 'about {h} h {m} min',
    titleTurn: '✔ It’s your turn!',
    notifyBody: 'You’re in. Come back to the tab to continue.',
    inLeadUntil: 'Your access lasts until {time}.',
    inRedirecting: 'Taking you there…',
    inNoTarget: 'You can now continue on the site.',
    inBackTo: 'Back to {site}',
    inGoBack: 'Go back to the site',
    inShowCode: 'Copy my admission code',
    inCodeLead: 'If the site asks for your admission code, copy it here.',
    inCopied: 'Copied. Paste it where the site asks for it.',
    inCopyByHand: 'Select the code above and copy it.',
    expiredReasons: {
      WAIT_TIMEOUT: 'This page stopped checking in for too long, so your place was released.',
      SESSION_ENDED: 'Your time inside has ended.',
      EXITED: 'You have left the event.',
      EVENT_CLOSED: 'The event has closed.',
      PLACE_LOST: 'The waiting room lost track of the line. We’re sorry.',
    },
    errorLead: 'We couldn’t get you into the line ({code}).',
    liveRank: 'You are number {n} in line.',
    liveNext: 'You are next in line.',
    liveStalled: 'You are at the front, but the line is not moving right now.',
    livePaused: 'Admissions are paused. You keep your place.',
  },
};

const ko: WaitingRoomText = {
  page: {
    title: '대기실',
    brand: '대기실',
    otherLanguageName: 'English',
    loadingHeading: '대기열에 들어가는 중…',
    loadingLead: '순번을 저장하고 있습니다. 잠시만 기다려 주세요.',
    waitHeading: '대기 중입니다',
    waitLead: '이 페이지를 열어 두세요. 차례가 되면 자동으로 입장합니다.',
    rankLabel: '나의 대기 순번',
    progressLabel: '입장까지 진행률',
    etaLabel: '예상 대기 시간',
    updatedLabel: '마지막 업데이트',
    paused: '지금은 입장이 잠시 멈췄습니다. 순번은 그대로 유지되며, 입장이 재개되면 대기열이 다시 움직입니다.',
    offline: '연결이 끊겼습니다. 다시 연결하는 동안에도 순번은 유지됩니다.',
    notifyButton: '내 차례가 되면 알림 받기',
    inHeading: '입장 차례입니다!',
    inContinue: '계속하기',
    inCodeLabel: '입장 코드',
    blockedHeading: '이 대기열에 다시 들어갈 수 없습니다',
    blockedLead: '이 행사는 한 번만 입장할 수 있으며, 이전 방문이 이미 끝났습니다.',
    expiredHeading: '대기 순번이 만료되었습니다',
    joinAgain: '다시 줄 서기',
    joinAgainHint: '대기열 맨 뒤에서 다시 시작합니다.',
    closedHeading: '행사가 종료되었습니다',
    closedLead: '대기실이 닫혀 더 이상 방문객을 받지 않습니다.',
    notOpenHeading: '대기실이 아직 열리지 않았습니다',
    notOpenLead: '아직 방문객을 받지 않는 행사입니다. 나중에 다시 확인해 주세요.',
    notFoundHeading: '대기실을 찾을 수 없습니다',
    notFoundLead: '링크를 확인해 주세요. 행사가 끝났거나 삭제되었을 수 있습니다.',
    errorHeading: '문제가 발생했습니다',
    tryAgain: '다시 시도',
    queueId: '대기 ID',
    messageLabel: '주최 측 안내',
    noScript: '대기 순번을 유지하려면 JavaScript가 필요합니다.',
  },
  script: {
    aheadNone: '다음 차례입니다!',
    aheadNoneStalled: '맨 앞이지만 지금은 대기열이 움직이지 않습니다.',
    aheadOne: '앞에 1명이 있습니다',
    aheadMany: '앞에 {n}명이 있습니다',
    etaUnknown: '알 수 없음',
    etaUnderMinute: '1분 이내',
    etaMinutes: '약 {m}분',
    etaHours: '약 {h}시간 {m}분',
    titleTurn: '✔ 입장 차례입니다!',
    notifyBody: '입장할 수 있습니다. 이 탭으로 돌아와 계속하세요.',
    inLeadUntil: '{time}까지 이용할 수 있습니다.',
    inRedirecting: '이동하는 중…',
    inNoTarget: '이제 사이트에서 계속 진행할 수 있습니다.',
    inBackTo: '{site}(으)로 돌아가기',
    inGoBack: '사이트로 돌아가기',
    inShowCode: '입장 코드 복사하기',
    inCodeLead: '사이트에서 입장 코드를 요청하면 여기에서 복사해 붙여 넣으세요.',
    inCopied: '복사했습니다. 사이트에서 요청하는 곳에 붙여 넣으세요.',
    inCopyByHand: '위의 코드를 선택해 복사하세요.',
    expiredReasons: {
      WAIT_TIMEOUT: '이 페이지의 연결이 오래 끊겨 순번이 해제되었습니다.',
      SESSION_ENDED: '이용 시간이 끝났습니다.',
      EXITED: '행사에서 나가셨습니다.',
      EVENT_CLOSED: '행사가 종료되었습니다.',
      PLACE_LOST: '대기실이 대기열 정보를 잃었습니다. 죄송합니다.',
    },
    errorLead: '대기열에 들어가지 못했습니다 ({code}).',
    liveRank: '현재 대기 순번은 {n}번입니다.',
    liveNext: '다음 차례입니다.',
    liveStalled: '맨 앞이지만 지금은 대기열이 움직이지 않습니다.',
    livePaused: '입장이 잠시 멈췄습니다. 순번은 유지됩니다.',
  },
};

export const WAITING_ROOM_TEXT: Record<PageLanguage, WaitingRoomText> = { en, ko };
