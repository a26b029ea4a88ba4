/** The body of every error reply: `{ error: { code, message } }`. Registered once with addSchema. */
export const errorResponseSchema = {
  $id: 'ErrorResponse',
  title: 'ErrorResponse',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Namespaced code such as AUTH.INVALID or NOT_FOUND' },
        message: { type: 'string' },
      },
    },
  },
} as const;

export const errorRef = { $ref: 'ErrorResponse#' } as const;
