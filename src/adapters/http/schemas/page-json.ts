/** `{ items, total, limit, offset }` around an item schema: every paged list of the API. */
export function pageJsonSchema<T extends object>(item: T, counted: string) {
  return {
    type: 'object',
    required: ['items', 'total', 'limit', 'offset'],
    properties: {
      items: { type: 'array', items: item },
      total: { type: 'integer', description: `${counted} matching the filter, over all pages` },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
    },
  } as const;
}
