@echo off
rem build.cmd - the Windows half of build.sh: packs the managed packages (Unikraft.Sdk with its tasks and
rem launcher, Unikraft.Templates) into artifacts\packages. The kernel core, the runtime packs and the images
rem need Linux (GNU ld, musl, QEMU): run ./build.sh there, or in WSL.
rem Usage: build.cmd [--configuration Release^|Debug]
setlocal
set "ROOT=%~dp0"
set "CONFIG=Release"
:args
if "%~1"=="" goto build
if /I "%~1"=="--configuration" (set "CONFIG=%~2" & shift & shift & goto args)
if /I "%~1"=="-c" (set "CONFIG=%~2" & shift & shift & goto args)
echo build.cmd: unknown option '%~1'. Usage: build.cmd [--configuration Release^|Debug] 1>&2
exit /b 2

:build
where dotnet >nul 2>nul || (echo build.cmd: the .NET SDK 10 ^(dotnet^) was not found; install it and run again. 1>&2 & exit /b 1)
echo ==^> Unikraft.Sdk
dotnet pack "%ROOT%sdk\Unikraft.Sdk\Unikraft.Sdk.csproj" -c %CONFIG% -o "%ROOT%artifacts\packages" -nologo || exit /b 1
echo ==^> Unikraft.Templates
dotnet pack "%ROOT%templates\Unikraft.Templates\Unikraft.Templates.csproj" -c %CONFIG% -o "%ROOT%artifacts\packages" -nologo || exit /b 1

rem NuGet never refreshes an installed version: remove our packages of this version from its cache.
for /f "usebackq delims=" %%v in (`dotnet msbuild "%ROOT%sdk\Unikraft.Sdk\Unikraft.Sdk.csproj" -getProperty:Version`) do set "VERSION=%%v"
for /f "tokens=1,* delims= " %%a in ('dotnet nuget locals global-packages --list') do set "CACHE=%%b"
if defined CACHE for /d %%p in ("%CACHE%unikraft.*") do if exist "%%p\%VERSION%" (echo removing stale %%p\%VERSION% & rmdir /s /q "%%p\%VERSION%")

echo.
echo Packed the managed packages into %ROOT%artifacts\packages.
echo The kernel core and the Unikraft.Runtime.* packs are built on Linux: run ./build.sh (native or WSL),
echo then copy artifacts\packages\Unikraft.Runtime.*.nupkg here. Booting images needs QEMU.
exit /b 0
