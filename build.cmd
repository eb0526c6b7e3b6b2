@echo off
rem build.cmd - the Windows half of build.sh: packs the managed packages (Unikraft.Sdk with its tasks and
rem launcher, Unikraft.Templates) into artifacts\packages. The kernel core, the runtime packs and the images
rem need Linux (GNU ld, musl, QEMU): run ./build.sh there, or in WSL.
setlocal
set ROOT=%~dp0
set CONFIG=Release
if not "%1"=="" set CONFIG=%1
where dotnet >nul 2>nul || (echo build.cmd: the .NET SDK 10 ^(dotnet^) was not found; install it and run again. 1>&2 & exit /b 1)
echo ==^> Unikraft.Sdk
dotnet pack "%ROOT%sdk\Unikraft.Sdk\Unikraft.Sdk.csproj" -c %CONFIG% -nologo || exit /b 1
echo ==^> Unikraft.Templates
dotnet pack "%ROOT%templates\Unikraft.Templates\Unikraft.Templates.csproj" -c %CONFIG% -nologo || exit /b 1
echo.
echo Packed the managed packages into %ROOT%artifacts\packages.
echo The kernel core and the Unikraft.Runtime.* packs are built on Linux: run ./build.sh (native or WSL),
echo then copy artifacts\packages\Unikraft.Runtime.*.nupkg here. Booting images needs QEMU.
exit /b 0
