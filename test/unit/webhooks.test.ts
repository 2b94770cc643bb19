import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { checkUrl, checkUrlForm, refusal } from '../../src/modules/webhooks/guard.js';
import { afterAttempt, retryDelayMs, sign, signatureHeader } from '../../src/modules/webhooks/rules.js';

const dev = { production: false, allowLoopback: false };
const prod = { production: true, allowLoopback: false };

describe('the SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '127.9.9.9',
    '::1',
    '10.1.2.3',
    '172.31.255.255',
    '192.168.0.10',
    '169.254.169.254',
    '100.100.100.100',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '192.0.2.1',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '2001:db8::1',
  ])('refuses %s', (ip) => expect(refusal(ip, dev)).not.toBeNull());

  it.each(['8.8.8.8', '1.1.1.1', '93.184.215.14', '2606:4700:4700::1111', '172.32.0.1', '11.0.0.1'])('accepts %s', (ip) =>
    expect(refusal(ip, dev)).toBeNull(),
  );

  it('lets loopback through only with the test setting, and nothing else private with it', () => {
    const tests = { production: false, allowLoopback: true };
    expect(refusal('127.0.0.1', tests)).toBeNull();
    expect(refusal('::1', tests)).toBeNull();
    expect(refusal('::ffff:127.0.0.1', tests)).toBeNull();
    expect(refusal('10.0.0.1', tests)).not.toBeNull();
    expect(refusal('169.254.169.254', tests)).not.toBeNull();
  });

  it('https only in production; http also in development; no credentials; absolute URLs only', () => {
    expect(() => checkUrlForm('http://8.8.8.8/hook', prod)).toThrow(/https/);
    expect(checkUrlForm('https://8.8.8.8/hook', prod).hostname).toBe('8.8.8.8');
    expect(checkUrlForm('http://8.8.8.8/hook', dev).protocol).toBe('http:');
    expect(() => checkUrlForm('https://a:b@8.8.8.8/', dev)).toThrow(/credentials/);
    expect(() => checkUrlForm('/relative', dev)).toThrow(/absolute/);
    expect(() => checkUrlForm('file:///etc/passwd', dev)).toThrow();
  });

  it('checks every address a name resolves to (localhost is loopback)', async () => {
    await expect(checkUrl('http://localhost:8080/hook', dev)).rejects.toThrow(/refused/);
    await expect(checkUrl('http://localhost:8080/hook', { production: false, allowLoopback: true })).resolves.toBeInstanceOf(URL);
    await expect(checkUrl('http://[::1]/hook', dev)).rejects.toThrow(/refused/);
  });

  it('WEBHOOK_ALLOW_LOOPBACK is refused in production', () => {
    const base = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), NATIONAL_ID_PEPPER: 'p'.repeat(20) };
    expect(loadConfig(base).webhooks.allowLoopback).toBe(false);
    expect(() => loadConfig({ ...base, WEBHOOK_ALLOW_LOOPBACK: 'true' })).toThrow(ConfigError);
    expect(loadConfig({ NODE_ENV: 'test', WEBHOOK_ALLOW_LOOPBACK: 'true' }).webhooks.allowLoopback).toBe(true);
  });
});

describe('Standard Webhooks signing', () => {
  // the example in the Standard Webhooks specification's reference test suite
  it('matches the specification’s test vector', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const sig = sign(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(sig).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs with the previous secret too while its grace lasts', () => {
    const e = { secret: 'whsec_AAAA', previousSecret: 'whsec_BBBB', previousSecretUntil: new Date('2026-01-02T00:00:00Z') };
    expect(signatureHeader(e, 'id', 1, '{}', new Date('2026-01-01T00:00:00Z')).split(' ')).toHaveLength(2);
    expect(signatureHeader(e, 'id', 1, '{}', new Date('2026-01-02T00:00:00Z')).split(' ')).toHaveLength(1);
  });
});

describe('retries', () => {
  const opts = { baseMs: 5000, capMs: 3_600_000, maxAttempts: 8 };
  it('waits min(cap, base·2^n) scaled by a jitter in [0.5, 1]', () => {
    expect(retryDelayMs(1, opts, () => 0)).toBe(2500);
    expect(retryDelayMs(1, opts, () => 1 - Number.EPSILON)).toBe(5000);
    expect(retryDelayMs(3, opts, () => 1 - Number.EPSILON)).toBe(20_000);
    expect(retryDelayMs(20, opts, () => 1 - Number.EPSILON)).toBe(3_600_000);
    expect(retryDelayMs(20, opts, () => 0)).toBe(1_800_000);
  });

  it('is DEAD after the last attempt, DELIVERED on success', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(afterAttempt(0, true, opts, now).status).toBe('DELIVERED');
    expect(afterAttempt(6, false, opts, now)).toMatchObject({ status: 'PENDING', attempts: 7 });
    expect(afterAttempt(7, false, opts, now)).toMatchObject({ status: 'DEAD', attempts: 8 });
  });
});
