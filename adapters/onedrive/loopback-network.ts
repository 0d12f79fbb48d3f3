import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * An MSAL network client (`system.networkClient`) that sends MSAL's requests for the Microsoft
 * login host to another origin, the Graph simulator on loopback, so MSAL keeps its real
 * `https://login.microsoftonline.com/consumers` authority (an http authority is refused by MSAL).
 * Requests to any other host are refused, so a test or the demo never reaches the internet.
 */
export function loopbackNetworkClient(baseUrl: string, hosts: readonly string[] = ['login.microsoftonline.com']): INetworkModule {
  const rewrite = (url: string): string => {
    const parsed = new URL(url);
    if (!hosts.includes(parsed.hostname.toLowerCase())) throw new Error(`The loopback network client does not reach ${parsed.hostname}.`);
    return new URL(`${parsed.pathname}${parsed.search}`, baseUrl).href;
  };
  const call = async <T>(method: string, url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> => {
    const response = await fetch(rewrite(url), {
      method,
      headers: options?.headers,
      body: method === 'POST' ? options?.body : undefined,
      signal: timeout !== undefined && timeout > 0 ? AbortSignal.timeout(timeout) : undefined,
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key.toLowerCase()] = value;
    });
    const text = await response.text();
    let body: unknown = {};
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = { error: 'invalid_response', error_description: text.slice(0, 200) };
    }
    return { status: response.status, headers, body: body as T };
  };
  return {
    sendGetRequestAsync: (url, options, timeout) => call('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => call('POST', url, options),
  };
}
