FROM mcr.microsoft.com/windows/servercore:ltsc2022
WORKDIR C:\app
WORKDIR 'C:\'
WORKDIR C:/inetpub
WORKDIR "D:/data"
