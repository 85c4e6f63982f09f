Attribute VB_Name = "XlAddinRibbon"
' xl_addin - ribbon tab "Inkasso & Mahnwesen" (customUI14.xml).
'
' One Sub per button (its onAction); each calls Python through xlwings' RunPython
' (module "xlwings" of this add-in, configured by the sheet "xl_addin.conf").
' Python does the work on the active workbook and reports the result - or what went
' wrong, naming sheet and cell - in exactly one message box. This module only guards the
' VBA side: a workbook must be open, the status bar shows the running action, and a
' VBA error is shown once, without any Python traceback.
Option Explicit

Private Const BOX_TITLE As String = "xl_addin"

Public Sub Recalculate(control As IRibbonControl)
    If Not BeginAction("Neu berechnen") Then Exit Sub
    On Error GoTo Failed
    RunPython "import xl_addin.excel.entry as e; e.recalculate()"
    EndAction
    Exit Sub
Failed:
    FailAction "Neu berechnen"
End Sub

Public Sub Preview(control As IRibbonControl)
    If Not BeginAction("Vorschau", True) Then Exit Sub
    On Error GoTo Failed
    RunPython "import xl_addin.excel.entry as e; e.preview()"
    EndAction
    Exit Sub
Failed:
    FailAction "Vorschau"
End Sub

Public Sub Check(control As IRibbonControl)
    If Not BeginAction("Prüfen") Then Exit Sub
    On Error GoTo Failed
    RunPython "import xl_addin.excel.entry as e; e.check()"
    EndAction
    Exit Sub
Failed:
    FailAction "Prüfen"
End Sub

Public Sub ExportDiagonalCsv(control As IRibbonControl)
    If Not BeginAction("CSV für Diagonal exportieren") Then Exit Sub
    On Error GoTo Failed
    RunPython "import xl_addin.excel.entry as e; e.export_diagonal_csv()"
    EndAction
    Exit Sub
Failed:
    FailAction "CSV für Diagonal exportieren"
End Sub

Public Sub ExportStatusList(control As IRibbonControl)
    If Not BeginAction("Status-Liste für Vendor") Then Exit Sub
    On Error GoTo Failed
    RunPython "import xl_addin.excel.entry as e; e.export_status_list()"
    EndAction
    Exit Sub
Failed:
    FailAction "Status-Liste für Vendor"
End Sub

Public Sub ImportSchulden(control As IRibbonControl)
    If Not BeginAction("Schulden-Export importieren") Then Exit Sub
    On Error GoTo Failed
    RunPython "import xl_addin.excel.entry as e; e.import_debts_export()"
    EndAction
    Exit Sub
Failed:
    FailAction "Schulden-Export importieren"
End Sub

Public Sub ImportDiagonal(control As IRibbonControl)
    If Not BeginAction("Diagonal-Rückmeldung importieren") Then Exit Sub
    On Error GoTo Failed
    RunPython "import xl_addin.excel.entry as e; e.import_diagonal_feedback()"
    EndAction
    Exit Sub
Failed:
    FailAction "Diagonal-Rückmeldung importieren"
End Sub

Public Sub NewDiagonalCase(control As IRibbonControl)
    If Not BeginAction("Neuer Fall (Diagonal)") Then Exit Sub
    On Error GoTo Failed
    RunPython "import xl_addin.excel.entry as e; e.new_diagonal_case()"
    EndAction
    Exit Sub
Failed:
    FailAction "Neuer Fall (Diagonal)"
End Sub

Public Sub StepDone(control As IRibbonControl)
    If Not BeginAction("Schritt erledigt") Then Exit Sub
    On Error GoTo Failed
    RunPython "import xl_addin.excel.entry as e; e.step_done()"
    EndAction
    Exit Sub
Failed:
    FailAction "Schritt erledigt"
End Sub

Public Sub DueCases(control As IRibbonControl)
    If Not BeginAction("Fällige Fälle") Then Exit Sub
    On Error GoTo Failed
    RunPython "import xl_addin.excel.entry as e; e.due_cases()"
    EndAction
    Exit Sub
Failed:
    FailAction "Fällige Fälle"
End Sub

Public Sub ExportVpaFile(control As IRibbonControl)
    If Not BeginAction("VPA-Akte exportieren") Then Exit Sub
    On Error GoTo Failed
    RunPython "import xl_addin.excel.entry as e; e.export_vpa_file()"
    EndAction
    Exit Sub
Failed:
    FailAction "VPA-Akte exportieren"
End Sub

' ---------------------------------------------------------------- helpers

Private Function BeginAction(ByVal what As String) As Boolean
    ' Every button works on the active workbook, and xlwings' RunPython reads ActiveWorkbook
    ' too: without one (no workbook open, only the add-in, or a file in Protected View) it
    ' would stop with VBA error 91. Say what to do instead.
    If ActiveWorkbook Is Nothing Then
        MsgBox what & ": keine Arbeitsmappe aktiv. Bitte die Arbeitsmappe öffnen und anklicken" & _
               " (in der geschützten Ansicht zuerst 'Bearbeitung aktivieren').", vbInformation, BOX_TITLE
        Exit Function
    End If
    Application.StatusBar = "xl_addin: " & what & " ..."
    Application.Cursor = xlWait
    BeginAction = True
End Function

Private Sub EndAction()
    Application.Cursor = xlDefault
    Application.StatusBar = False
End Sub

Private Sub FailAction(ByVal what As String)
    Dim message As String
    message = what & ": " & Err.Description
    EndAction
    MsgBox message, vbExclamation, BOX_TITLE
End Sub

Public Function LastErrorLine(ByVal text As String) As String
    ' The last non-empty line of Python's error output ("ModuleNotFoundError: ...") instead
    ' of the whole traceback; used by ShowError in the module "xlwings" of this add-in.
    Dim lines() As String, i As Long, line As String
    lines = Split(Replace(text, vbCr, ""), vbLf)
    For i = UBound(lines) To LBound(lines) Step -1
        line = Trim$(lines(i))
        If Len(line) > 0 Then
            LastErrorLine = "Python meldet: " & line
            Exit Function
        End If
    Next i
    LastErrorLine = text
End Function
