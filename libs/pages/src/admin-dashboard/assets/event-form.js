// The create / edit form. The server validates: its messages are shown beside the fields they name.

import { api, ApiError, NetworkError } from './admin-api.js';
import { eventRules } from './dashboard-config.js';
import { formatCount } from './format.js';

const WRITABLE = Object.keys(eventRules.fields);
const FIELDS = ['eventId', ...WRITABLE];
const NUMBERS = WRITABLE.filter((name) => eventRules.fields[name] === 'integer');
/** Cleared with `null` when edited to empty; left out (no URL, no message) when created empty: those whose default is none. */
const CLEARABLE = WRITABLE.filter((name) => eventRules.defaults[name] === null);

/** What a new event starts with: the server's defaults, shown so nobody has to know them. */
const NEW_EVENT = { eventId: '', name: '', limitCnt: '', ...eventRules.defaults };

/** The server's eventId message is its pattern; the form says it in words, as the field's hint does. */
function inWords(field, message) {
  if (field === 'eventId' && /must match/.test(message)) return 'Use only letters, digits, dots (.), underscores (_) and hyphens (-), 1 to 64 of them.';
  return message;
}

/** Errors that are about one field although they are not VALIDATION_FAILED. */
const FIELD_OF_CODE = { EVENT_EXISTS: 'eventId', CALLBACK_URL_FORBIDDEN: 'callbackUrl' };

/**
 * `onSaved(event, created)` runs after a successful save. Returns `open(event | null, opener)`:
 * `null` creates a new event.
 */
export function createEventForm({ dialog, onSaved }) {
  const form = dialog.querySelector('form');
  const title = dialog.querySelector('#editor-title');
  const submit = dialog.querySelector('#editor-submit');
  const alert = dialog.querySelector('#form-alert');
  const control = (name) => form.elements.namedItem(name);
  let editing = null;
  let opener = null;

  showRules();
  for (const button of dialog.querySelectorAll('[data-close]')) button.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    // The opener's card is gone when its event was deleted meanwhile: the focus stays in the page.
    if (opener?.isConnected) opener.focus();
    else document.querySelector('main')?.focus();
  });

  function open(event, from) {
    editing = event;
    opener = from ?? null;
    clearErrors();
    const values = event ?? NEW_EVENT;
    for (const name of FIELDS) {
      const input = control(name);
      if (input.type === 'checkbox') input.checked = Boolean(values[name]);
      else input.value = values[name] === null || values[name] === undefined ? '' : String(values[name]);
    }
    control('eventId').readOnly = Boolean(event);
    title.textContent = event ? `Edit ${event.name}` : 'New event';
    submit.textContent = event ? 'Save changes' : 'Create event';
    dialog.showModal();
    control(event ? 'name' : 'eventId').focus();
  }

  form.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    clearErrors();
    const body = editing ? changesTo(editing) : newEventBody();
    if (editing && Object.keys(body).length === 0) {
      dialog.close();
      return;
    }
    submit.disabled = true;
    try {
      const saved = editing ? await api.updateEvent(editing.eventId, body) : await api.createEvent(body);
      const created = !editing;
      dialog.close();
      onSaved(saved, created);
    } catch (err) {
      showError(err);
    } finally {
      submit.disabled = false;
    }
  });

  /** A field's value as the API takes it; a number that does not parse is sent as typed, for the server to name. */
  function read(name) {
    const input = control(name);
    if (input.type === 'checkbox') return input.checked;
    if (NUMBERS.includes(name)) {
      const text = input.value.trim().replace(/[,_\s]/g, '');
      return /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    }
    return input.value;
  }

  function newEventBody() {
    const body = {};
    for (const name of FIELDS) {
      const value = read(name);
      if (value !== '') body[name] = value;
    }
    return body;
  }

  function changesTo(event) {
    const changes = {};
    for (const name of WRITABLE) {
      let value = read(name);
      if (CLEARABLE.includes(name) && value === '') value = null;
      if (value !== event[name]) changes[name] = value;
    }
    return changes;
  }

  function showError(err) {
    if (err instanceof NetworkError) {
      showAlert('Foyer could not be reached. Nothing was saved; try again.');
      return;
    }
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 401) return; // The dashboard signs out and says why.
    const marked = [];
    const general = [];
    if (err.code === 'VALIDATION_FAILED' && err.details.length > 0) {
      for (const { field, message } of [...err.details, ...laterProblems(err.details)]) {
        if (FIELDS.includes(field) && markField(field, inWords(field, message))) {
          if (!marked.includes(field)) marked.push(field);
        } else general.push(message);
      }
    } else if (FIELD_OF_CODE[err.code] && markField(FIELD_OF_CODE[err.code], err.message)) {
      marked.push(FIELD_OF_CODE[err.code]);
    } else {
      general.push(err.message);
    }
    const summary = marked.length > 0 ? `Not saved: fix ${marked.length === 1 ? 'the field' : 'the fields'} marked below.` : 'Not saved.';
    showAlert([summary, ...general].join(' ') + ` (${err.code})`);
    if (marked.length > 0) control(marked[0]).focus();
  }

  /**
   * The server checks in steps: each field on its own, then the rule between fields (the poll
   * floor against the wait timeout) only once every field passed. That rule is added here when the
   * first step refused, so one submit shows every problem instead of a second round.
   */
  function laterProblems(details) {
    if (details.some((d) => d.field === 'minPollIntervalMs' || d.field === 'waitTimeoutSec')) return [];
    const values = { ...(editing ?? eventRules.defaults), ...(editing ? changesTo(editing) : newEventBody()) };
    const { minPollIntervalMs, waitTimeoutSec } = values;
    if (!Number.isInteger(minPollIntervalMs) || !Number.isInteger(waitTimeoutSec)) return [];
    const most = Math.floor((waitTimeoutSec * 1000) / 3);
    if (minPollIntervalMs <= most) return [];
    return [{ field: 'minPollIntervalMs', message: `minPollIntervalMs must not exceed a third of waitTimeoutSec (${most} ms)` }];
  }

  function markField(name, message) {
    const input = control(name);
    const error = dialog.querySelector(`#e-${name}`);
    if (!input || !error) return false;
    input.setAttribute('aria-invalid', 'true');
    // One message per field, however many the server gave.
    error.textContent = error.hidden ? message : `${error.textContent}; ${message}`;
    error.hidden = false;
    return true;
  }

  function showAlert(text) {
    alert.textContent = text;
    alert.hidden = false;
  }

  function clearErrors() {
    alert.hidden = true;
    alert.textContent = '';
    for (const name of FIELDS) {
      control(name).removeAttribute('aria-invalid');
      const error = dialog.querySelector(`#e-${name}`);
      error.hidden = true;
      error.textContent = '';
    }
  }

  /** The hints' limits and the choices offered, as the server has them. */
  function showRules() {
    for (const slot of dialog.querySelectorAll('[data-limit]')) {
      const [name, bound] = slot.dataset.limit.split('.');
      slot.textContent = formatCount(eventRules.limits[name][bound]);
    }
    for (const slot of dialog.querySelectorAll('[data-statuses]')) slot.textContent = listOf(eventRules[slot.dataset.statuses]);
    offerOnly(control('status'), eventRules.statuses);
    offerOnly(control('idPolicy'), eventRules.idPolicies);
  }

  return { open, close: () => dialog.open && dialog.close() };
}

/**
 * A select offers exactly the server's values: the page's labelled options in the page's order,
 * less any the server no longer has, and any it lacks added under their own name.
 */
function offerOnly(select, values) {
  for (const option of [...select.options]) if (!values.includes(option.value)) option.remove();
  for (const value of values) if (![...select.options].some((option) => option.value === value)) select.add(new Option(value, value));
}

/** "A", "A and B", "A, B and C". */
function listOf(words) {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
