/** The client notices' wording (src/domain/notice-templates.ts). */
import { BODY_MAX, noticePlaceholders, noticeTemplatePurposes, SUBJECT_MAX } from '../../domain/notice-templates';

const placeholderList = Object.entries(noticePlaceholders)
  .map(([name, meaning]) => `{{${name}}}: ${meaning}`)
  .join('; ');

export const noticePurposeParams = {
  type: 'object',
  properties: { purpose: { type: 'string', enum: noticeTemplatePurposes } },
  required: ['purpose'],
} as const;

export const noticeTemplateBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    subject: {
      type: 'string',
      minLength: 1,
      maxLength: SUBJECT_MAX,
      description: 'One line; {{ticket}} is the only placeholder it takes',
    },
    body: { type: 'string', minLength: 1, maxLength: BODY_MAX, description: `Placeholders: ${placeholderList}` },
  },
  required: ['subject', 'body'],
} as const;

export const noticeTemplateSchema = {
  type: 'object',
  properties: {
    purpose: { type: 'string', enum: noticeTemplatePurposes },
    template: {
      type: ['object', 'null'],
      description: 'The manager’s wording; null: the desk’s own text is sent',
      properties: {
        subject: { type: 'string' },
        body: { type: 'string' },
        updatedBy: { type: 'string' },
        updatedAt: { type: 'string', format: 'date-time' },
      },
      required: ['subject', 'body', 'updatedBy', 'updatedAt'],
    },
  },
  required: ['purpose', 'template'],
} as const;
