// The scheduler executable: everything it does lives in the KilnScheduler library (tested in-process), so this stays one line.
import KilnScheduler

await SchedulerMain.main()
