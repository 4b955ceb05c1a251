// How numbers, waits and times read on the dashboard.

const whole = new Intl.NumberFormat('en');
const oneDecimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export const formatCount = (n) => whole.format(n);

/** Per-minute rates: whole numbers from 10 up, one decimal below. */
export function formatRate(perMinute) {
  if (perMinute === null || perMinute === undefined) return '–';
  return perMinute >= 10 ? whole.format(Math.round(perMinute)) : oneDecimal.format(perMinute);
}

/** An estimated wait: seconds under a minute, then minutes rounded up, then hours and minutes. */
export function formatWait(seconds) {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A setting's duration: "90 s", "10 min", "1 h 30 min". */
export function formatDuration(seconds) {
  if (seconds < 120 && seconds % 60 !== 0) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60 ? ` ${seconds % 60} s` : '';
  if (minutes < 60) return `${minutes} min${rest}`;
  const m = minutes % 60;
  return `${Math.floor(minutes / 60)} h${m ? ` ${m} min` : ''}${rest}`;
}

/** Local time of day, 24-hour. */
export function formatClock(date) {
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function formatClockShort(date) {
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}
