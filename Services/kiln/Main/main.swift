// The kiln executable: every command lives in the KilnCLI library, so this stays one call.
import KilnCLI

await Kiln.runAsMain()
