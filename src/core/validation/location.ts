import { closestMatch } from '../commands/suggest.ts';
import { invalid, shown, valid, type Validation } from './result.ts';

// ARM location names are the display name in lowercase without spaces: West Europe →
// westeurope, East US 2 → eastus2, and the EUAP canaries like eastus2euap. The length cap is
// an assumption (the longest real ones are under 20).
const LOCATION = /^[a-z][a-z0-9]{1,39}$/;
// The portal shows "(Europe) West Europe"; the geography in brackets is not part of the name.
const PORTAL_GEOGRAPHY = /^\s*\([^)]*\)\s*/;

/** Options of {@link validateLocation}. */
export interface LocationOptions {
  /**
   * The locations to accept, e.g. from configuration or `az account list-locations`. Without it
   * any well-formed name passes: Azure adds regions, and sovereign clouds have their own.
   */
  known?: readonly string[];
}

const RULE = 'Azure locations are lowercase names without spaces, like westeurope or eastus2';

/** Checks an Azure location name; returns it unchanged. Display names get a did-you-mean. */
export function validateLocation(text: string, options: LocationOptions = {}): Validation<string> {
  const { known } = options;
  if (LOCATION.test(text) && (known === undefined || known.includes(text))) return valid(text);

  if (!LOCATION.test(text)) {
    const normalized = text
      .replace(PORTAL_GEOGRAPHY, '')
      .toLowerCase()
      .replace(/[\s_-]+/gu, '');
    const fits = LOCATION.test(normalized) && (known === undefined || known.includes(normalized));
    return invalid(`${RULE} (got ${shown(text)})${fits ? `; did you mean ${shown(normalized)}?` : '.'}`);
  }
  // Well-formed but not one of `known`: probably a typo of one that is.
  const choices = known ?? [];
  const guess = closestMatch(text, choices);
  const more = choices.length > 4 ? ` (${choices.length} in all)` : '';
  const hint =
    guess !== undefined
      ? `did you mean ${shown(guess)}?`
      : choices.length > 0
        ? `use one of ${choices.slice(0, 4).map(shown).join(', ')}${more}.`
        : 'none are configured.';
  return invalid(`${shown(text)} isn't one of the Azure locations configured here; ${hint}`);
}
