"""A model of androidx.work (WorkManager) inside an app model: :mod:`.model` (WorkSpec rows and
states), :mod:`.schema` (the ``androidx.work.workdb`` file), :mod:`.runtime` (SystemJobScheduler,
SystemJobService, WorkerWrapper), :mod:`.diagnostics` (DiagnosticsReceiver/DiagnosticsWorker)."""
