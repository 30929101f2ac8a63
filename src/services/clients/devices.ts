import type { Database } from '../../db/client';
import { imeiProblem } from '../../domain/client-legal';
import { deleteDevice, insertDevice } from '../../repositories/client-profiles';
import { invalid, notFound } from '../errors';
import type { From } from '../identity-service';
import { auditedChange, type Viewer } from './live-client';
import { deviceOf } from './profile-view';

/** `/clients/:id/devices`: the client's devices, each with its model, serial number and IMEI. */
export function createClientDevices(deps: { db: Database }) {
  const { db } = deps;
  return {
    async addDevice(
      actor: Viewer,
      clientId: number,
      input: { model: string; serial?: string; imei?: string; note?: string },
      from: From,
    ) {
      const imei = input.imei?.replace(/[\s-]/g, '');
      const problem = imei === undefined ? null : imeiProblem(imei);
      if (problem) throw invalid(`body.imei: ${problem}`);
      return auditedChange(db, actor, from, clientId, async (tx) => {
        const row = await insertDevice(tx, {
          clientId,
          model: input.model.trim(),
          serial: input.serial?.trim() ?? null,
          imei: imei ?? null,
          note: input.note ?? null,
        });
        return {
          result: deviceOf(row),
          action: 'device_added',
          details: { id: row.id, model: row.model, serial: row.serial, imei: row.imei },
        };
      });
    },

    async removeDevice(actor: Viewer, clientId: number, deviceId: number, from: From) {
      return auditedChange(db, actor, from, clientId, async (tx) => {
        const row = await deleteDevice(tx, clientId, deviceId);
        if (!row) throw notFound(`device ${deviceId} of client ${clientId}`);
        return {
          result: { removed: true },
          action: 'device_removed',
          details: { id: row.id, model: row.model, imei: row.imei },
        };
      });
    },
  };
}
