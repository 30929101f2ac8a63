import type { RoutePlugin } from '../type-provider';
import type { TelegramIntake } from '../../services/telegram-intake';
import { errorResponses } from '../schemas/common';

/** Telegram's updates are small; a body larger than this is not one. */
const UPDATE_BODY_LIMIT = 1024 * 1024;

/**
 * `POST /channels/telegram/:pathSecret`: the bot's webhook. The path's random part and the
 * X-Telegram-Bot-Api-Secret-Token header (both the desk's own secrets, given to Telegram by
 * setWebhook) prove the call is Telegram's. The body is stored as it came — parsed later, so
 * that an update the desk cannot read is kept rather than refused — and answered 200 at once:
 * Telegram sends again whatever is not answered 2xx.
 */
export const telegramRoutes: RoutePlugin<{ telegram: TelegramIntake }> = async (app, { telegram }) => {
  // This plugin's own JSON parser: the raw text, so nothing of an update is lost to parsing.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: UPDATE_BODY_LIMIT }, (_r, body, done) =>
    done(null, body),
  );

  app.post(
    '/channels/telegram/:pathSecret',
    {
      bodyLimit: UPDATE_BODY_LIMIT,
      schema: {
        tags: ['channels'],
        summary: 'Telegram Bot API webhook',
        description:
          'Called by Telegram with each Update (setWebhook). Needs the random path and the X-Telegram-Bot-Api-Secret-Token header the desk registered; the update is stored by its update_id (a repeat is one) and processed after the answer.',
        params: {
          type: 'object',
          properties: { pathSecret: { type: 'string', minLength: 1, maxLength: 256 } },
          required: ['pathSecret'],
        },
        headers: {
          type: 'object',
          properties: { 'x-telegram-bot-api-secret-token': { type: 'string', maxLength: 256 } },
        },
        response: {
          200: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request) => {
      await telegram.checkWebhook(request.params.pathSecret, request.headers['x-telegram-bot-api-secret-token']);
      const raw = typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null);
      await telegram.receive(raw);
      void telegram.processPending();
      return { ok: true };
    },
  );
};
