// The worker-gateway executable: everything it does lives in the KilnWorkerGateway library (tested in-process), so this stays one line.
import KilnWorkerGateway

await WorkerGateway.main()
