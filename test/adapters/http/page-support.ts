/** Asking the client pages through `app.request` like a browser: a cookie jar, forms with the page's CSRF token. */
import type { testHttp } from './support.js';

type Http = ReturnType<typeof testHttp>;

export interface PageAnswer {
  status: number;
  headers: Headers;
  html: string;
  /** The Set-Cookie lines of this answer. */
  setCookies: string[];
}

export function browserOf(http: Http, origin = 'http://localhost') {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

  async function send(method: string, path: string, init: { body?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<PageAnswer> {
    const headers: Record<string, string> = { host: new URL(origin).host, ...init.headers };
    if (jar.size > 0) headers.cookie = cookieHeader();
    const response = await http.app.request(`${origin}${path}`, { method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return { status: response.status, headers: response.headers, html: await response.text(), setCookies };
  }

  /** The CSRF token the last page carried. */
  const csrfIn = (html: string) => /name="csrf-token" content="([^"]+)"/.exec(html)?.[1] ?? '';

  return {
    jar,
    get: (path: string, headers: Record<string, string> = {}) => send('GET', path, { headers }),
    /** Posts a form; `csrf` defaults to the cookie's token (what the page's hidden field holds). */
    post(path: string, fields: Record<string, string>, options: { csrf?: string | null; headers?: Record<string, string> } = {}) {
      const csrf = options.csrf === undefined ? jar.get('portal_csrf') : options.csrf;
      const body = new URLSearchParams({ ...fields, ...(csrf !== null && csrf !== undefined ? { _csrf: csrf } : {}) });
      return send('POST', path, { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', origin, ...options.headers } });
    },
    send,
    csrfIn,
  };
}
