import { z } from 'zod';

const port = z.number().int().min(1).max(65535);
const ipv4 = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'must be an IPv4 address such as 127.0.0.1');
const digits = z.string().regex(/^\+?\d{2,20}$/, 'must be a phone number of digits, optionally starting with +');

export const managerSchema = z.object({
  extension: z.string().regex(/^\d{2,6}$/, 'an extension is 2 to 6 digits'),
  name: z.string().min(1),
  password: z.string().min(6, 'a SIP password needs at least 6 characters'),
});

export const trunkSchema = z.object({
  name: z.string().min(1),
  /** Only INVITEs from this address are accepted without digest auth. */
  address: ipv4,
  port: port.default(5060),
  /** Caller ID presented on outbound calls through this trunk. */
  callerId: digits,
});

export const configSchema = z.object({
  sip: z.object({
    listen: ipv4.default('127.0.0.1'),
    port: port.default(5060),
    /** Digest realm and the domain phones register to. */
    domain: z.string().min(1).default('leadline.local'),
  }).prefault({}),
  http: z.object({
    host: z.string().default('127.0.0.1'),
    port: port.default(8080),
  }).prefault({}),
  api: z.object({
    tokens: z.array(z.object({ name: z.string().min(1), token: z.string().min(16, 'an API token needs at least 16 characters') })).min(1),
  }),
  redis: z.object({
    url: z.string().default('redis://127.0.0.1:6379/0'),
    /** Every key starts with this, so several deployments or test runs share one Redis. */
    keyPrefix: z.string().default('leadline:'),
  }).prefault({}),
  postgres: z.object({
    url: z.string().default('postgres://leadline:leadline@127.0.0.1:5432/leadline'),
    schema: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('public'),
  }).prefault({}),
  rtpengine: z.object({
    ngPort: port.default(2223),
    portMin: port.default(30000),
    portMax: port.default(40000),
  }).prefault({}),
  kamailio: z.object({
    evapiPort: port.default(8448),
    children: z.number().int().min(1).max(64).default(4),
    sharedMemoryMb: z.number().int().min(64).default(256),
    privateMemoryMb: z.number().int().min(4).default(8),
    /** New calls per second accepted; above it callers get 503 at once (measured capacity: see bench/). */
    maxCallsPerSecond: z.number().int().min(1).default(300),
  }).prefault({}),
  routing: z.object({
    ringTimeoutSeconds: z.number().int().min(3).max(120).default(15),
    /** How many managers one call rings, one after another, before it gives up. */
    maxRingAttempts: z.number().int().min(1).max(20).default(5),
  }).prefault({}),
  daemons: z.object({
    /**
     * embedded: the launcher runs Kamailio and rtpengine as its children (one machine, tests).
     * external: they run on their own (containers); the service renders Kamailio's config
     * to kamailioConfigOut and connects to them.
     */
    mode: z.enum(['embedded', 'external']).default('embedded'),
    kamailioConfigOut: z.string().optional(),
  }).prefault({}).refine((d) => d.mode === 'embedded' || d.kamailioConfigOut, {
    message: 'daemons.kamailioConfigOut is needed when daemons.mode is external (the Kamailio container reads its config there)',
  }),
  paths: z.object({
    /** Rendered configs, pid files, sockets. */
    runDir: z.string().default('var/run'),
    /** rtpengine writes one pcap per call here. */
    spoolDir: z.string().default('var/spool'),
  }).prefault({}),
  managers: z.array(managerSchema).min(1),
  trunks: z.array(trunkSchema).min(1),
  companyNumbers: z.array(digits).min(1),
});

export type Config = z.infer<typeof configSchema>;
export type ManagerConfig = z.infer<typeof managerSchema>;
export type TrunkConfig = z.infer<typeof trunkSchema>;
