import { createSocket } from 'node:dgram';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { StartupError } from '../core/errors/app-error.js';

/** Finds an executable on PATH (and in the sbin folders Debian puts daemons in). */
export function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/sbin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export function requireBinary(name: string, debianPackage: string): string {
  const path = findBinary(name);
  if (!path) {
    throw new StartupError('BINARY_MISSING', `${name} is not installed: run \`npm run setup\` (it installs the Debian package ${debianPackage}).`);
  }
  return path;
}

export interface PortToCheck {
  what: string;
  host: string;
  port: number;
  protocol: 'udp' | 'tcp';
  /** The configuration key that moves it. */
  setting: string;
}

/** Fails with one sentence naming the port and the setting when something already holds it. */
export async function requirePortFree(p: PortToCheck): Promise<void> {
  const free = p.protocol === 'udp' ? await udpPortFree(p.host, p.port) : await tcpPortFree(p.host, p.port);
  if (!free) {
    throw new StartupError(
      'PORT_IN_USE',
      `The ${p.what} port ${p.host}:${p.port}/${p.protocol} is already in use: stop the program that holds it (see \`ss -lunpt | grep ${p.port}\`) or set ${p.setting} in the configuration.`,
    );
  }
}

function udpPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

function tcpPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
