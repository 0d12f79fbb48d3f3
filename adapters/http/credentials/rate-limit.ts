import { createHash } from 'node:crypto';
import { ValidationError } from '../../../src/core/errors.js';
import { ipKey } from './login-keys.js';
import { slidingWindow, type WindowLimit } from './sliding-window.js';

export type { WindowLimit } from './sliding-window.js';
export { ipKey, loginAccount } from './login-keys.js';

export interface LoginLimiterOptions {
  /** Failures per account (default 10 in 15 minutes): slows guessing one person's password. */
  perAccount?: WindowLimit;
  /** Failures per IP address, across accounts (default 50 in 15 minutes): slows trying one password on many accounts. */
  perIp?: WindowLimit;
  /** Accounts, and addresses, tracked at most (default 100,000 each); the least recently failing are forgotten first. */
  maxKeys?: number;
  /** Milliseconds since the epoch (default Date.now). */
  now?: () => number;
}

/** Who is logging in: `account` from loginAccount(firmId, email), `ip` the client's address. */
export type LoginKeys = { account: string; ip: string };

export type LoginCheck = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginLimiter {
  /**
   * Whether a login may be tried now. An allowed attempt counts as a failure until its outcome is
   * recorded (or for 30 seconds), so a burst of parallel attempts cannot all pass before the
   * first failure is recorded: call recordFailure or recordSuccess after every allowed check.
   */
  check(keys: LoginKeys): LoginCheck;
  /** A refused login, whether the account exists or not. */
  recordFailure(keys: LoginKeys): void;
  /** A login that succeeded: clears the account's failures (the address keeps its own). */
  recordSuccess(keys: LoginKeys): void;
  /** How many accounts and addresses are tracked now. */
  tracked(): { accounts: number; ips: number };
}

const FIFTEEN_MINUTES = 15 * 60;
const ATTEMPT_MS = 30_000;

/** An in-memory login rate limiter: a sliding window of failures per account and per IP address. */
export function loginLimiter(options: LoginLimiterOptions = {}): LoginLimiter {
  const perAccount = checked('perAccount', options.perAccount ?? { limit: 10, windowSeconds: FIFTEEN_MINUTES });
  const perIp = checked('perIp', options.perIp ?? { limit: 50, windowSeconds: FIFTEEN_MINUTES });
  const maxKeys = options.maxKeys ?? 100_000;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new ValidationError('maxKeys must be a positive whole number.');
  const clock = options.now ?? Date.now;
  const accounts = slidingWindow(perAccount, maxKeys, ATTEMPT_MS);
  const ips = slidingWindow(perIp, maxKeys, ATTEMPT_MS);

  // Kept by a digest: the limiter's memory holds no email address or IP address to leak in a heap dump.
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 22);
  const keysOf = ({ account, ip }: LoginKeys) => ({ account: digest(account), ip: digest(ipKey(ip)) });

  return {
    check(keys) {
      const { account, ip } = keysOf(keys);
      const now = clock();
      const waitMs = Math.max(accounts.waitMs(account, now), ips.waitMs(ip, now));
      if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
      accounts.admit(account, now);
      ips.admit(ip, now);
      return { allowed: true };
    },
    recordFailure(keys) {
      const { account, ip } = keysOf(keys);
      const now = clock();
      accounts.fail(account, now);
      ips.fail(ip, now);
    },
    recordSuccess(keys) {
      const { account, ip } = keysOf(keys);
      accounts.clear(account);
      ips.settle(ip, clock());
    },
    tracked: () => ({ accounts: accounts.size, ips: ips.size }),
  };
}

function checked(name: string, rule: WindowLimit): WindowLimit {
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  if (!whole(rule.limit) || !whole(rule.windowSeconds)) {
    throw new ValidationError(`${name}: limit and windowSeconds must be positive whole numbers.`);
  }
  return rule;
}
