/**
 * No config var holds a secret-looking value as plain text.
 *
 * Where plain values live: fleet writes all of an app's config vars as one
 * secret map, so the map alone cannot say which values were plain in the
 * stack file. The service declares which keys it writes from plain values
 * (its `plainConfigKeys`: fleet's own values and plain configuration); a
 * credential among them sits unencrypted in `Pulumi.<stack>.yaml`, in the
 * plan and in every preview. Each such value is checked with the same
 * recogniser the stack configuration uses (`stacks/secret-looking.ts`); a
 * key whose name says it is a credential may not be plain either. Messages
 * name the key and what it looks like, never the value.
 */
import { configSetCommand } from "../../stacks/stack-command";
import { secretLooking } from "../../stacks/secret-looking";
import type { FleetPolicy } from "../lib/define";

/** Names that say the value is a credential. */
const CREDENTIAL_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY|ENCRYPTION_KEY|SIGNING_KEY)(_PREVIOUS)?$/;

export const noPlainSecretConfigVars: FleetPolicy = {
  name: "no-plain-secret-config-vars",
  description: "No config var holds a secret-looking value (or a credential's name) as plain text.",
  check(view, report) {
    for (const service of view.services) {
      if (!service.vars) continue;
      for (const key of service.declared.plainConfigKeys) {
        const value = service.vars[key];
        const fix = `store it encrypted: ${configSetCommand(view.stack, `${service.app}:${key}`, "<value>", { secret: true })} (or ${configSetCommand(view.stack, `fleet:apps.${service.app}.config.${key}`, "<value>", { secret: true, path: true })}); rotate it at its issuer, since the plain value was in the stack file`;
        const looks = value === undefined ? undefined : secretLooking(value);
        if (looks) {
          report(`config var ${key} of ${service.app} is written as plain text but looks like ${looks}: ${fix}`, service.configVarsUrn ?? service.urn);
        } else if (CREDENTIAL_NAME.test(key)) {
          report(`config var ${key} of ${service.app} is named like a credential but written as plain text: ${fix}`, service.configVarsUrn ?? service.urn);
        }
      }
    }
  },
};
