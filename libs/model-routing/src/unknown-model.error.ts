/** No alias of that name; the app answers OpenAI's 404 `model_not_found`. */
export class UnknownModelError extends Error {
  readonly code = 'model_not_found' as const;
  readonly clientStatus = 404;

  constructor(readonly model: string) {
    super(`The model "${model}" does not exist`);
    this.name = 'UnknownModelError';
  }
}
