// The file-store executable: everything it does lives in the KilnFileStore library (tested in-process), so this stays one line.
import KilnFileStore

await FileStoreService.main()
