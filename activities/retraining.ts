import { retrainCategoryModel } from '../src/repositories/routing';
import type { CategoryModelTrained } from '../workflows/types';
import type { ActivityDependencies } from './context';

/** The category model's retraining, run by its schedule's workflow. */
export function createRetrainingActivities({ db, logger }: Pick<ActivityDependencies, 'db' | 'logger'>) {
  return {
    /** Deterministic training on the verdicts so far; a retry stores the same model once. */
    async retrainCategoryModel(): Promise<CategoryModelTrained> {
      const trained = await retrainCategoryModel(db);
      logger.info(trained, 'category model trained');
      return trained;
    },
  };
}
