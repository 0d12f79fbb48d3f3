import type { Config } from './config.js';

/**
 * Why the service could not start, in one line naming the setting to change; the stack only for
 * what no setting explains.
 */
export function startFailure(error: unknown, config: Config): string {
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (syscall === 'listen' || code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL') {
    if (code === 'EADDRINUSE') return `PORT ${config.port} is already in use on ${config.host}; choose another PORT.`;
    if (code === 'EADDRNOTAVAIL') return `HOST ${config.host} is not an address of this machine.`;
    if (code === 'EACCES') return `PORT ${config.port} needs privileges on this machine; choose one above 1023.`;
    return `cannot listen on ${config.host}:${config.port} (${code}).`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `HOST ${config.host} does not resolve to an address.`;
  if (code !== undefined && ['EACCES', 'EPERM', 'EEXIST', 'ENOTDIR', 'EROFS', 'ENOSPC', 'SQLITE_CANTOPEN', 'SQLITE_READONLY'].includes(code)) {
    return `PORTAL_DATA_DIR ${config.dataDir} cannot be used (${code}: ${(error as Error).message.split('\n')[0]}).`;
  }
  return `could not start: ${(error as Error)?.stack ?? String(error)}`;
}
