// Runs once before the suite: the system programs the tests drive are installed when missing
// (as root, from Debian's packages), so `npm test` on a fresh machine needs nothing beforehand.
import { installMissingTools } from "./helpers/system-tools";

export default function setup(): void {
  installMissingTools();
}
