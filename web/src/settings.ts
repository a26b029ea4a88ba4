import type { ConsoleSettings } from '../../src/adapters/http/routes/console-settings.js';
import { api } from './api.js';

/**
 * The console's settings from the service (GET /api/console/settings), read once after
 * sign-in. Until then (and if they cannot be read) the defaults below keep the pages
 * working: UTC, Russian numbers, extensions without names.
 */
let settings: ConsoleSettings = {
  timezone: 'UTC',
  defaultRegion: 'RU',
  pauseReasons: ['break'],
  callbackSlaMinutes: 60,
  serviceLevelSeconds: 20,
  managers: [],
  leadUrlTemplate: null,
};
let names = new Map<string, string>();

export async function loadSettings(): Promise<ConsoleSettings> {
  settings = await api<ConsoleSettings>('/api/console/settings');
  names = new Map(settings.managers.map((m) => [m.extension, m.name]));
  return settings;
}

export function currentSettings(): ConsoleSettings {
  return settings;
}

/** A manager's name, or his extension when the configuration does not know it. */
export function managerName(extension: string): string {
  return names.get(extension) ?? extension;
}
