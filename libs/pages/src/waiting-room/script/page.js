// What every part of the page shares: the config the server wrote into it (no inline script: the
// CSP allows only 'self'), its text in the visitor's language, and a few small helpers.

export const config = JSON.parse(document.getElementById('wr-config').textContent);
export const text = config.text;

export const $ = (id) => document.getElementById(id);
export const numbers = new Intl.NumberFormat(config.lang);
export const clock = (date) => date.toLocaleTimeString(config.lang, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
export const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => String(values[key]));
