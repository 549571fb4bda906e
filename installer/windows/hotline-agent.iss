; Inno Setup script of the Windows installer: a per-machine install of the PyInstaller folder.
;
; On Windows, from the repository root (Python 3.11 with the project installed, Inno Setup 6):
;   python -m PyInstaller --noconfirm build.spec
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" installer\windows\hotline-agent.iss
; gives dist\hotline-agent-<version>-setup.exe. The version is read from agent-app.exe, which
; build.spec stamps with the package's version.
;
; IT can pass the centre's server (and a CA bundle) on the command line, e.g. for a silent
; roll-out:
;   hotline-agent-0.1.0-setup.exe /VERYSILENT /SERVER=https://12345.city.gov.cn /CABUNDLE=C:\certs\centre.pem
; They are written to %ProgramData%\hotline12345\hotline-agent\config.toml, the machine-wide
; config the app reads under each user's own settings. Without /SERVER an interactive install
; asks for it; an upgrade keeps the file as it is.

#define Bundle AddBackslash(SourcePath) + "..\..\dist\hotline-agent"
#define AppExe Bundle + "\agent-app.exe"
#define AppVersion GetStringFileInfo(AppExe, "ProductVersion")

[Setup]
AppId={{6C2E9B4A-3F1D-4E7A-9B25-12345A6E7D01}
AppName=12345热线坐席
AppVersion={#AppVersion}
AppVerName=12345热线坐席 {#AppVersion}
AppPublisher=12345 Hotline
DefaultDirName={autopf}\HotlineAgent
DefaultGroupName=12345热线坐席
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Bundle}\..
OutputBaseFilename=hotline-agent-{#AppVersion}-setup
SetupIconFile={#Bundle}\_internal\resources\icons\hotline-agent.ico
UninstallDisplayIcon={app}\agent-app.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; The app writes nothing next to itself, so users need no write access to {app}.

[Languages]
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
english.ServerCaption=Central server
english.ServerDescription=Which server do the agents on this computer connect to?
english.ServerPrompt=Server address (https://…); users can still change it in their own settings:
english.DesktopIcon=Create a desktop shortcut
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
chinesesimplified.ServerCaption=中心服务器
chinesesimplified.ServerDescription=本机坐席连接哪个服务器？
chinesesimplified.ServerPrompt=服务器地址（https://…），用户仍可在个人设置中修改：
chinesesimplified.DesktopIcon=创建桌面快捷方式
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\12345热线坐席"; Filename: "{app}\agent-app.exe"
Name: "{autodesktop}\12345热线坐席"; Filename: "{app}\agent-app.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\agent-app.exe"; Description: "{cm:LaunchProgram,12345热线坐席}"; Flags: nowait postinstall skipifsilent

[Code]
const
  ConfigDir = '{commonappdata}\hotline12345\hotline-agent';

var
  ServerPage: TInputQueryWizardPage;

function ConfigFile: String;
begin
  Result := ExpandConstant(ConfigDir) + '\config.toml';
end;

function TomlString(Value: String): String;
begin
  StringChangeEx(Value, '\', '\\', True);
  StringChangeEx(Value, '"', '\"', True);
  Result := '"' + Value + '"';
end;

procedure InitializeWizard;
begin
  ServerPage := CreateInputQueryPage(wpSelectDir, CustomMessage('ServerCaption'),
    CustomMessage('ServerDescription'), CustomMessage('ServerPrompt'));
  ServerPage.Add('', False);
  ServerPage.Values[0] := ExpandConstant('{param:SERVER|}');
end;

function ShouldSkipPage(PageID: Integer): Boolean;
begin
  // Asked only when neither the command line nor an earlier install has set it.
  Result := (PageID = ServerPage.ID) and
    ((ExpandConstant('{param:SERVER|}') <> '') or FileExists(ConfigFile));
end;

procedure WriteConfig;
var
  Server, CaBundle: String;
  Lines: TArrayOfString;
begin
  Server := Trim(ServerPage.Values[0]);
  CaBundle := ExpandConstant('{param:CABUNDLE|}');
  if (Server = '') and (CaBundle = '') then
    exit;  // keep what an earlier install wrote
  SetArrayLength(Lines, 2);
  Lines[0] := '# 12345热线坐席 — settings for every user of this computer (TOML), written by Setup.';
  Lines[1] := '# A user''s own settings override these.';
  if Server <> '' then begin
    SetArrayLength(Lines, GetArrayLength(Lines) + 1);
    Lines[GetArrayLength(Lines) - 1] := 'server_url = ' + TomlString(Server);
  end;
  if CaBundle <> '' then begin
    SetArrayLength(Lines, GetArrayLength(Lines) + 1);
    Lines[GetArrayLength(Lines) - 1] := 'ca_bundle = ' + TomlString(CaBundle);
  end;
  ForceDirectories(ExpandConstant(ConfigDir));
  if not SaveStringsToUTF8File(ConfigFile, Lines, False) then
    MsgBox('Cannot write ' + ConfigFile, mbError, MB_OK);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssPostInstall then
    WriteConfig;
end;
