import { createHmac } from 'node:crypto';
import { headerSafe } from './header-value.js';
import { WebhookSigner } from './webhook-signature.js';

describe('WebhookSigner', () => {
  // The example of the Standard Webhooks specification (spec/standard-webhooks.md).
  it('matches the specification example', () => {
    const signer = new WebhookSigner('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    const body = '{"test": 2432232314}';
    expect(signer.sign('msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('keys the HMAC with the decoded secret over id.timestamp.body', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const signer = new WebhookSigner(`whsec_${key.toString('base64')}`);
    const expected = createHmac('sha256', key).update('msg_1.42.{}').digest('base64');
    expect(signer.sign('msg_1', 42, '{}')).toBe(`v1,${expected}`);
  });
});

describe('headerSafe', () => {
  it('leaves printable ASCII and encodes the rest reversibly', () => {
    expect(headerSafe('concert-2026:alice')).toBe('concert-2026:alice');
    expect(headerSafe('50% off')).toBe('50%25 off');
    expect(headerSafe('공연:철수')).toBe(encodeURIComponent('공연') + ':' + encodeURIComponent('철수'));
    for (const id of ['a%b', 'x\u00e9y', '공연:철수', 'emoji😀']) expect(decodeURIComponent(headerSafe(id))).toBe(id);
  });
});
