// The tag-computer executable: everything it does lives in the KilnTagComputer library (tested in-process), so this stays one line.
import KilnTagComputer

await TagComputer.main()
