import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src/config/config-schema.js';
import { DomainEvents } from '../../../src/services/domain-events.js';
import { TrunkStatus } from '../../../src/services/trunk-status.js';

const config = {
  trunks: [
    { name: 'old', address: '127.0.0.2' },
    { name: 'provider', register: { username: 'u', password: 'p', domain: 'sip.example' } },
  ],
} as unknown as Config;

function tracker() {
  const events = new DomainEvents();
  const raised: string[] = [];
  events.on('trunk.down', (e) => raised.push(`down ${e.trunk} ${e.status}`));
  events.on('trunk.up', (e) => raised.push(`up ${e.trunk}`));
  return { status: new TrunkStatus(config, { log: pino({ level: 'silent' }), events, startGraceMs: 30_000 }), raised };
}

describe('TrunkStatus', () => {
  it('shows an address trunk trusted and a registering one pending until Kamailio reports', () => {
    const { status } = tracker();
    expect(status.list()).toEqual([
      { name: 'old', kind: 'address', state: 'trusted', since: null },
      { name: 'provider', kind: 'registering', state: 'pending', since: null },
    ]);
    expect(status.health()).toEqual({ ok: false, detail: 'provider: pending' });
  });

  it('raises trunk.down once when a registration is lost, and trunk.up when it is back', () => {
    const { status, raised } = tracker();
    status.reported('provider', 1, 1_000);
    expect(status.health()).toEqual({ ok: true });
    // A refresh under way is no loss.
    status.reported('provider', -2, 4_000);
    expect(status.list()[1]!.state).toBe('registered');
    status.reported('provider', -99, 6_000);
    status.reported('provider', -99, 11_000);
    expect(status.list()[1]).toEqual({ name: 'provider', kind: 'registering', state: 'unregistered', since: 6_000 });
    status.reported('provider', 1, 16_000);
    status.reported('provider', 1, 21_000);
    expect(raised).toEqual(['down provider -99', 'up provider']);
  });

  it('does not call a failing first attempt a loss until the grace period after start-up is over', () => {
    const { status, raised } = tracker();
    status.reported('provider', -2, 0);
    expect(status.list()[1]!.state).toBe('pending');
    status.reported('provider', -99, 10_000);
    status.reported('provider', -99, 25_000);
    expect(raised).toEqual([]);
    expect(status.list()[1]!.state).toBe('unregistered');
    status.reported('provider', -99, 30_000);
    expect(raised).toEqual(['down provider -99']);
    status.reported('provider', 1, 35_000);
    expect(raised).toEqual(['down provider -99', 'up provider']);
  });

  it('ignores reports about trunks it does not know or that do not register', () => {
    const { status, raised } = tracker();
    status.reported('nobody', -1, 0);
    status.reported('old', -1, 60_000);
    expect(raised).toEqual([]);
    expect(status.list()[0]!.state).toBe('trusted');
  });

  it('keeps the same state on a standby instance without raising anything, and raises the next change once it routes', () => {
    const { status, raised } = tracker();
    status.reported('provider', 1, 1_000, { quiet: true });
    status.reported('provider', -99, 6_000, { quiet: true });
    expect(status.list()[1]!.state).toBe('unregistered');
    expect(status.health().ok).toBe(false);
    expect(raised).toEqual([]);
    // Took over: the router's trunk.down was raised by the router; the way back is raised here.
    status.reported('provider', 1, 9_000);
    expect(raised).toEqual(['up provider']);
  });
});
