/** Every Redis key the service uses, built in one place so the layout can be read at a glance. */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  registration(extension: string): string {
    return `${this.prefix}reg:${extension}`;
  }

  agentHold(extension: string): string {
    return `${this.prefix}agent:${extension}:hold`;
  }

  liveCall(callId: string): string {
    return `${this.prefix}call:${callId}`;
  }

  rotation(line: string): string {
    return `${this.prefix}rotation:${line}`;
  }
}
