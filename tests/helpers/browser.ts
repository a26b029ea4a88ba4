import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where each console page's screenshot is saved (tests/artifacts is kept by CI, not by git). */
export const SCREENSHOT_DIR = 'tests/artifacts/screenshots';

/**
 * Debian's Chromium driven by playwright-core. The flags keep it off the network this
 * machine cannot reach (background updates and lookups fail noisily otherwise), and let
 * a page start audio without a click, as the player test does.
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      ...extraArgs,
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the sign-in page, as a person would, and waits for the board. */
export async function signIn(page: Page, baseUrl: string, login: string, password: string, shotName?: string): Promise<void> {
  await page.goto(`${baseUrl}/#/board`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  if (shotName) await screenshot(page, shotName);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=who]');
}

/**
 * Flags for a page that uses the microphone: Chromium's fake capture device playing a
 * WAV file (looped), permission granted without a prompt, and WebRTC allowed to use
 * loopback addresses (the tests run on 127.0.0.0/8 only) without mDNS-hiding them.
 */
export function fakeMicrophoneArgs(wavFile: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wavFile}`,
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
  ];
}
