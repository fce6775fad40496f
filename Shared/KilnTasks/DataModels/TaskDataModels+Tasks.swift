import KilnCore

// Which Debusine model checks each task's data (the class its `BaseTask[…Data, …]` names). Wait and internal
// tasks (`confirm`, `delay`, `externaldebsign`, `synchronization_point`) are created only by workflows and the
// server, never from a user's data, and keep their own reading.

extension NoopTask { public static var dataModel: PydanticModel? { TaskDataModels.noopData } }
extension AutopkgtestTask { public static var dataModel: PydanticModel? { TaskDataModels.autopkgtestData } }
extension LintianTask { public static var dataModel: PydanticModel? { TaskDataModels.lintianData } }
extension BlhcTask { public static var dataModel: PydanticModel? { TaskDataModels.blhcData } }
extension DebDiffTask { public static var dataModel: PydanticModel? { TaskDataModels.debDiffData } }
extension PiupartsTask { public static var dataModel: PydanticModel? { TaskDataModels.piupartsData } }
extension SbuildTask { public static var dataModel: PydanticModel? { TaskDataModels.sbuildData } }
extension MmdebstrapTask { public static var dataModel: PydanticModel? { TaskDataModels.mmDebstrapData } }
extension SimpleSystemImageBuildTask {
    public static var dataModel: PydanticModel? { TaskDataModels.systemImageBuildData }
}
extension ExtractForSigningTask { public static var dataModel: PydanticModel? { TaskDataModels.extractForSigningData } }
extension AssembleSignedSourceTask {
    public static var dataModel: PydanticModel? { TaskDataModels.assembleSignedSourceData }
}
extension MakeSourcePackageUploadTask {
    public static var dataModel: PydanticModel? { TaskDataModels.makeSourcePackageUploadData }
}
extension MergeUploadsTask { public static var dataModel: PydanticModel? { TaskDataModels.mergeUploadsData } }

extension ServerNoopTask { public static var dataModel: PydanticModel? { TaskDataModels.serverNoopData } }
extension APTMirrorTask { public static var dataModel: PydanticModel? { TaskDataModels.aptMirrorData } }
extension PackageUploadTask { public static var dataModel: PydanticModel? { TaskDataModels.packageUploadData } }
extension CopyCollectionItemsTask {
    public static var dataModel: PydanticModel? { TaskDataModels.copyCollectionItemsData }
}
extension CreateChildWorkspaceTask {
    public static var dataModel: PydanticModel? { TaskDataModels.createChildWorkspaceData }
}
extension GenerateSuiteIndexesTask {
    public static var dataModel: PydanticModel? { TaskDataModels.generateSuiteIndexesData }
}

extension SigningNoopTask { public static var dataModel: PydanticModel? { TaskDataModels.signingNoopData } }
extension GenerateKeyTask { public static var dataModel: PydanticModel? { TaskDataModels.generateKeyData } }
extension SignTask { public static var dataModel: PydanticModel? { TaskDataModels.signData } }
extension DebsignTask { public static var dataModel: PydanticModel? { TaskDataModels.debsignData } }
extension SignRepositoryIndexTask {
    public static var dataModel: PydanticModel? { TaskDataModels.signRepositoryIndexData }
}
