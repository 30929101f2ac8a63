/**
 * A catalog service may require a competence (e.g. `soldering`). The competence the operator
 * lacks for it, or null when they may take the ticket (the service requires none, or they have it).
 */
export function missingCompetence(required: string | null | undefined, competences: readonly string[]): string | null {
  return required && !competences.includes(required) ? required : null;
}
