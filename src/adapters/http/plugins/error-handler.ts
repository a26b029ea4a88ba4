import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../../core/errors/app-error.js';
import { errorResponseSchema } from '../schemas/error-response.js';

/**
 * The one place errors become HTTP replies: AppError keeps its code and status,
 * schema validation failures become 400 REQUEST.INVALID, and the text of any 5xx is
 * replaced, because it may carry SQL, hostnames or stack details.
 */
export const errorHandlerPlugin = fp(
  async (app) => {
    app.addSchema(errorResponseSchema);

    app.setErrorHandler((err: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) => {
      const { status, code, message } = classify(err);
      if (status >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ code, status }, message);
      if (status === 401) reply.header('www-authenticate', 'Bearer');
      return reply.status(status).send({ error: { code, message: status >= 500 ? 'Internal server error' : message } });
    });

    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0]}` } }),
    );
  },
  { name: 'error-handler', fastify: '5.x' },
);

function classify(err: FastifyError | AppError | Error): { status: number; code: string; message: string } {
  if (err instanceof AppError) {
    // A 5xx AppError keeps its code (clients may act on POSTGRES.UNAVAILABLE) but not its text.
    return { status: err.status, code: err.code, message: err.message };
  }
  const fastifyError = err as FastifyError;
  if (fastifyError.validation) {
    return { status: 400, code: 'REQUEST.INVALID', message: err.message };
  }
  const status = fastifyError.statusCode ?? 500;
  if (status === 429) return { status, code: 'REQUEST.RATE_LIMITED', message: err.message };
  if (status >= 400 && status < 500) return { status, code: 'REQUEST.INVALID', message: err.message };
  return { status: 500, code: 'INTERNAL', message: err.message };
}
