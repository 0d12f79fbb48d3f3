/**
 * Fault injection: rules matched against each request (method and path), each armed for a number
 * of requests. A rule answers an error status (with Retry-After or Location), resets the
 * connection before or in the middle of the response, or only delays the response.
 */
export interface FaultRule {
  /** Matched case-insensitively; any method when absent. */
  method?: string;
  /** A substring of, or a pattern for, the path and query (e.g. '/delta', /\/items\/[^/]+\/content/). */
  path?: string | RegExp;
  /** An error status to answer instead of the route: 429, 503, 504, 410, 401, 507, 500… */
  status?: number;
  /** Retry-After, in seconds. */
  retryAfter?: number;
  /** Location header (a 410's new enumeration link). */
  location?: string;
  /** The Graph error code; a usual one for the status when absent. */
  code?: string;
  /** Drop the connection: before any byte of the response, or after half of its body. */
  reset?: 'before-response' | 'mid-body';
  /** Wait this long before answering (alone: a slow but correct response). */
  delayMs?: number;
  /** Do the request's work (an upload stored), then hold the answer this long: the caller may be gone by then. */
  holdResponseMs?: number;
  /** How many matching requests this rule takes; 1 when absent, Infinity for all. */
  times?: number;
  /** Matching requests let through untouched before the rule takes any (e.g. the 3rd page of a round). */
  skip?: number;
}

export interface ArmedFault {
  readonly rule: FaultRule;
  remaining: number;
  hits: number;
  /** Matching requests still to let through first. */
  skipping: number;
}

const CODES: Record<number, string> = {
  401: 'InvalidAuthenticationToken',
  410: 'resyncRequired',
  429: 'activityLimitReached',
  500: 'generalException',
  503: 'serviceNotAvailable',
  504: 'gatewayTimeout',
  507: 'quotaLimitReached',
};

export const faultCode = (rule: FaultRule) => rule.code ?? CODES[rule.status ?? 500] ?? 'generalException';

export class Faults {
  private readonly armed: ArmedFault[] = [];

  /** Arms a rule; the returned handle counts its hits. */
  add(rule: FaultRule): ArmedFault {
    const fault = { rule, remaining: rule.times ?? 1, hits: 0, skipping: rule.skip ?? 0 };
    this.armed.push(fault);
    return fault;
  }

  clear(): void {
    this.armed.length = 0;
  }

  /** Faults still armed. */
  get pending(): number {
    return this.armed.filter((f) => f.remaining > 0).length;
  }

  /** The first armed rule matching the request, used up by one. */
  take(method: string, pathAndQuery: string): FaultRule | undefined {
    let fault: ArmedFault | undefined;
    for (const f of this.armed) {
      if (f.remaining <= 0 || !matches(f.rule, method, pathAndQuery)) continue;
      if (f.skipping > 0) {
        f.skipping--;
        continue;
      }
      fault = f;
      break;
    }
    if (fault === undefined) return undefined;
    fault.remaining--;
    fault.hits++;
    return fault.rule;
  }
}

function matches(rule: FaultRule, method: string, pathAndQuery: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === 'string' ? pathAndQuery.includes(rule.path) : rule.path.test(pathAndQuery);
}

export interface RequestRecord {
  method: string;
  path: string;
  /** The route's name, e.g. 'delta', 'children', 'content', 'token'; 'unknown' when none matched. */
  route: string;
  status: number;
}

/** Every request the simulator saw, so tests and benchmarks can count Graph requests. */
export class RequestLog {
  readonly records: RequestRecord[] = [];

  /** Requests of one route, of routes matching a pattern, or all. */
  count(route?: string | RegExp): number {
    if (route === undefined) return this.records.length;
    return this.records.filter((r) => (typeof route === 'string' ? r.route === route : route.test(r.route))).length;
  }

  /** Requests to Graph itself (under /v1.0), what a sync run "costs". */
  graph(): number {
    return this.records.filter((r) => r.path.startsWith('/v1.0/')).length;
  }

  byRoute(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.records) counts[r.route] = (counts[r.route] ?? 0) + 1;
    return counts;
  }

  reset(): void {
    this.records.length = 0;
  }
}
