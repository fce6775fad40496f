// The kiln-worker executable: everything it does lives in the KilnWorker library, so this stays one call.
import KilnWorker

await WorkerMain.main()
