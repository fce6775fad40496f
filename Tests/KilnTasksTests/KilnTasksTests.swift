import KilnTasks
import Testing

@Test func tasksModuleLinks() {
    _ = KilnTasks.self
}
