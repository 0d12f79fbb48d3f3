import { describe, expect, it } from 'vitest';
import { ipKey, loginAccount, loginLimiter, type LoginKeys, type LoginLimiterOptions } from '../../adapters/http/credentials/rate-limit.js';

/** A limiter on a clock the test moves, in seconds. */
function limiter(options: Omit<LoginLimiterOptions, 'now'> = {}) {
  let now = 1_000_000;
  const limits = loginLimiter({ perAccount: { limit: 3, windowSeconds: 60 }, perIp: { limit: 10, windowSeconds: 60 }, ...options, now: () => now });
  return {
    limits,
    at: (seconds: number) => {
      now = 1_000_000 + seconds * 1000;
    },
    /** One login that fails, as the HTTP layer runs it: checked, then refused. */
    fail(keys: LoginKeys) {
      expect(limits.check(keys)).toEqual({ allowed: true });
      limits.recordFailure(keys);
    },
  };
}

const ada = { account: loginAccount('firm-1', 'ada@example.com'), ip: '203.0.113.9' };

describe('login limiter', () => {
  it('refuses once the account reached its limit, for exactly as long as the oldest failure stays in the window', () => {
    const { limits, at, fail } = limiter();
    at(0);
    fail(ada);
    at(10);
    fail(ada);
    at(20);
    fail(ada);
    at(25);
    expect(limits.check(ada)).toEqual({ allowed: false, retryAfterSeconds: 35 });
    at(25.5);
    expect(limits.check(ada)).toEqual({ allowed: false, retryAfterSeconds: 35 });
    at(59.9);
    expect(limits.check(ada)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('slides the window: each failure leaving it frees one attempt', () => {
    const { limits, at, fail } = limiter();
    at(0);
    fail(ada);
    at(10);
    fail(ada);
    at(20);
    fail(ada);
    at(60);
    fail(ada);
    expect(limits.check(ada)).toEqual({ allowed: false, retryAfterSeconds: 10 });
    at(70);
    expect(limits.check(ada)).toEqual({ allowed: true });
  });

  it("clears the account's failures on a success, but not the address's", () => {
    const { limits, at, fail } = limiter({ perIp: { limit: 4, windowSeconds: 60 } });
    at(0);
    fail(ada);
    fail(ada);
    expect(limits.check(ada)).toEqual({ allowed: true });
    limits.recordSuccess(ada);
    fail(ada);
    fail(ada);
    // Two failures on the account since the success: from elsewhere it may try again.
    expect(limits.check({ ...ada, ip: '192.0.2.200' })).toEqual({ allowed: true });
    limits.recordSuccess({ ...ada, ip: '192.0.2.200' });
    // Four failures from this address: the address may not.
    expect(limits.check(ada)).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('limits an address across accounts, and only that address', () => {
    const { limits, at, fail } = limiter({ perIp: { limit: 5, windowSeconds: 60 } });
    at(0);
    for (let i = 0; i < 5; i++) fail({ account: loginAccount('firm-1', `user${i}@example.com`), ip: '198.51.100.7' });
    at(1);
    expect(limits.check({ account: loginAccount('firm-1', 'fresh@example.com'), ip: '198.51.100.7' })).toEqual({ allowed: false, retryAfterSeconds: 59 });
    expect(limits.check({ account: loginAccount('firm-1', 'fresh@example.com'), ip: '198.51.100.8' })).toEqual({ allowed: true });
  });

  it('limits an account across addresses', () => {
    const { limits, fail } = limiter();
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) fail({ ...ada, ip });
    expect(limits.check({ ...ada, ip: '192.0.2.4' }).allowed).toBe(false);
  });

  it('answers with the longer wait when both the account and the address are over their limits', () => {
    const { limits, at, fail } = limiter({ perIp: { limit: 3, windowSeconds: 600 } });
    at(0);
    fail(ada);
    fail(ada);
    fail(ada);
    expect(limits.check(ada)).toEqual({ allowed: false, retryAfterSeconds: 600 });
  });

  it('counts one account whatever the case and spacing of the email, apart in each firm', () => {
    const { limits, fail } = limiter();
    for (const email of ['Ada@Example.com', ' ada@example.com', 'ADA@EXAMPLE.COM ']) fail({ account: loginAccount('firm-1', email), ip: '192.0.2.1' });
    expect(limits.check(ada).allowed).toBe(false);
    expect(limits.check({ ...ada, account: loginAccount('firm-2', 'ada@example.com') }).allowed).toBe(true);
  });

  it('lets no burst of parallel attempts past the limit before their failures are recorded', () => {
    const { limits, at } = limiter();
    at(0);
    const burst = Array.from({ length: 10 }, () => limits.check(ada));
    expect(burst.filter((c) => c.allowed)).toHaveLength(3);
    expect(burst.at(-1)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    for (let i = 0; i < 3; i++) limits.recordFailure(ada);
    expect(limits.check(ada)).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('lets an attempt whose outcome was never recorded count for 30 seconds only', () => {
    const { limits, at } = limiter();
    at(0);
    for (let i = 0; i < 3; i++) limits.check(ada);
    at(30);
    expect(limits.check(ada)).toEqual({ allowed: true });
  });

  it('tracks at most maxKeys accounts and addresses, forgetting the least recently failing first', () => {
    const { limits, fail } = limiter({ maxKeys: 3 });
    const first = { account: loginAccount('firm-1', 'first@example.com'), ip: '192.0.2.1' };
    fail(first);
    fail(first);
    fail(first);
    expect(limits.check(first).allowed).toBe(false);
    for (let i = 2; i <= 4; i++) fail({ account: loginAccount('firm-1', `user${i}@example.com`), ip: `192.0.2.${i}` });
    expect(limits.tracked()).toEqual({ accounts: 3, ips: 3 });
    expect(limits.check(first)).toEqual({ allowed: true });
  });

  it('forgets accounts and addresses whose failures all left the window', () => {
    const { limits, at, fail } = limiter();
    at(0);
    for (let i = 0; i < 50; i++) fail({ account: loginAccount('firm-1', `user${i}@example.com`), ip: `192.0.2.${i}` });
    expect(limits.tracked()).toEqual({ accounts: 50, ips: 50 });
    at(60);
    fail(ada);
    expect(limits.tracked()).toEqual({ accounts: 1, ips: 1 });
  });

  it.each([{ perAccount: { limit: 0, windowSeconds: 60 } }, { perIp: { limit: 5, windowSeconds: 0.5 } }, { maxKeys: 0 }])('refuses nonsense options %j', (options) => {
    expect(() => loginLimiter(options)).toThrow(/positive whole/);
  });
});

describe('ipKey', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['::FFFF:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['unknown', 'unknown'],
  ])('counts %s as %s', (ip, key) => {
    expect(ipKey(ip)).toBe(key);
  });
});
