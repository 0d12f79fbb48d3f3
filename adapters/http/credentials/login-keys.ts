import { isIPv4, isIPv6 } from 'node:net';

/**
 * The account a login attempt is counted against: the firm and the login as typed, trimmed and
 * lower-cased, so `Ada@Example.com ` and `ada@example.com` share one counter.
 */
export function loginAccount(firmId: string, login: string): string {
  return `${firmId}\n${login.trim().toLowerCase()}`;
}

/**
 * The address a login attempt is counted against. An IPv4 address as itself (also when a dual-stack
 * socket reports it as `::ffff:a.b.c.d`); an IPv6 address by its /64, which one subscriber usually
 * holds whole: counting single addresses would give them 2^64 counters.
 */
export function ipKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  const address = ip.split('%')[0]!; // without a zone index such as %eth0
  if (!isIPv6(address)) return ip;
  return `${groups(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function groups(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const part = (text: string) => (text === '' ? [] : text.split(':').flatMap(embeddedIPv4));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16));
}

/** A trailing dotted IPv4 part (`::1.2.3.4`) is two groups. */
function embeddedIPv4(group: string): string[] {
  if (!group.includes('.')) return [group];
  const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
