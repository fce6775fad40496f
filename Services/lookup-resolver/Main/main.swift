// The lookup-resolver executable: everything it does lives in the KilnLookupResolver library (tested in-process), so this stays one line.
import KilnLookupResolver

await LookupResolverService.main()
