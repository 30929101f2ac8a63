import type { NoticeTemplateService } from '../../services/notice-template-service';
import { errorResponses } from '../schemas/common';
import { noticePurposeParams, noticeTemplateBody, noticeTemplateSchema } from '../schemas/notice-templates';
import type { RoutePlugin } from '../type-provider';

/** `/notice-templates`: the wording of the client notices a manager may change (e-mail and chat; SMS keep the desk's short texts). */
export const noticeTemplateRoutes: RoutePlugin<{ noticeTemplates: NoticeTemplateService }> = async (
  app,
  { noticeTemplates },
) => {
  app.get(
    '/notice-templates',
    {
      schema: {
        tags: ['catalog'],
        summary: 'The client notices’ wording: each notice’s template, or null for the desk’s own text',
        response: {
          200: {
            type: 'object',
            properties: {
              notices: { type: 'array', items: noticeTemplateSchema },
              placeholders: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { name: { type: 'string' }, meaning: { type: 'string' } },
                  required: ['name', 'meaning'],
                },
              },
            },
            required: ['notices', 'placeholders'],
          },
          ...errorResponses(401, 403),
        },
      },
    },
    async (request) => ({
      notices: await noticeTemplates.list(request.operator!),
      placeholders: noticeTemplates.placeholders(),
    }),
  );

  app.put(
    '/notice-templates/:purpose',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Word a client notice: its subject and text with placeholders',
        description:
          'The filer’s subject is only quoted, on a line of its own ({{subject}}); a ticket whose client is not confirmed always opens with the desk’s warning; the resolution notice needs {{survey_link}}, the accepted one {{status_link}}. A line whose placeholders are all empty is left out. Recorded in the audit log.',
        params: noticePurposeParams,
        body: noticeTemplateBody,
        response: { 200: noticeTemplateSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) =>
      noticeTemplates.put(request.operator!, request.params.purpose, request.body, { address: request.ip }),
  );

  app.delete(
    '/notice-templates/:purpose',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Back to the desk’s own text for a client notice',
        params: noticePurposeParams,
        response: { 200: noticeTemplateSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => noticeTemplates.reset(request.operator!, request.params.purpose, { address: request.ip }),
  );
};
