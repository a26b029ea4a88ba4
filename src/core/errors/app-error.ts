/**
 * Every error the service throws on purpose. The code is a namespaced string
 * ("CONFIG.INVALID") so it survives logs and process boundaries; the HTTP layer
 * maps `status` and hides the message of 5xx errors.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 500,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ConfigError extends AppError {
  constructor(message: string) {
    super('CONFIG.INVALID', message, 500);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('NOT_FOUND', `${what} was not found`, 404);
  }
}

export class StartupError extends AppError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(`STARTUP.${code}`, message, 500, options);
  }
}
