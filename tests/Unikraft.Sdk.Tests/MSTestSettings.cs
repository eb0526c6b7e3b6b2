// Test-run settings: classes run one after another (the integration tests share build folders).
[assembly: DoNotParallelize]
